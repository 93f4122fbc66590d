"""newsclean's staged cleaners: a plain library (it never imports prefect)."""
