"""Background jobs: rq queues named by purpose, periodic jobs declared as data, in-process fallback.

Without Redis (embedded demo mode) the same job functions run on threads of the serving process.
"""
