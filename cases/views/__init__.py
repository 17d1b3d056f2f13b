"""Pages for people and cases (SPEC §3, §7).

Every object is fetched through cases.access (another area's object answers 404) and every read
of a person's data is logged with its purpose; every write goes through a service with the
request, which validates, saves atomically and logs the change. A service's ValidationError is
shown next to the field it names, so bad input changes nothing and never gives a 500."""

from .case_actions import *  # noqa: F403
from .case_page import *  # noqa: F403
from .people import *  # noqa: F403
from .worklist import *  # noqa: F403
