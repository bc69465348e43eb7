"""Every write on calls, applications, reviews and grants: check, write, audit, notify."""
