"""newsclean flows, tasks, deployments and CLI (the Prefect side)."""
