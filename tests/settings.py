"""The settings the tests run with: the application's, plus a kind of form that only the tests know."""

from budgetperf.settings import *  # noqa: F403
from budgetperf.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.pilot_kind"]
