"""gunicorn's settings for the web unit (deploy/samverkan-web.service; the address is given
there). Read by gunicorn as Python."""

import gc
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# The access log to stdout (the journal), one line a request, with the path but not the query
# string: an address is never logged with what a form may have put in it (samverkan.logformat).
accesslog = "-"
errorlog = "-"
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# A request that takes longer is ended: exports and imports run in the worker, never here.
timeout = 60
graceful_timeout = 25
# nginx on the same machine is the only client; its X-Forwarded-Proto is trusted.
forwarded_allow_ips = "127.0.0.1"


def post_worker_init(worker):
    """Once a worker has loaded the application: what it loaded (the modules, the settings, the
    URL and template machinery: most of the process's objects) is moved out of the garbage
    collector's reach. They live as long as the worker, and the collector would otherwise walk
    all of them in each of its full passes, a pause in whichever request is running then."""
    gc.collect()
    gc.freeze()
