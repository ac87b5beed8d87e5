"""Every write of the Study goes through these modules, each function one transaction."""
