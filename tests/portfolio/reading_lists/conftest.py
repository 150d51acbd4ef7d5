"""The API tests' token clients, shared with the entries API's tests."""

from tests.api import conftest as api_fixtures
from tests.portfolio.api import conftest as entry_api_fixtures

make_token = api_fixtures.make_token
clean_cache = api_fixtures.clean_cache
api_as = entry_api_fixtures.api_as
