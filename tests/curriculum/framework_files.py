"""Framework files for the import tests, and what the tests look at afterwards."""

import json
from pathlib import Path

from curriculum.models import Framework, Item
from curriculum.services import import_framework_file

FIXTURES = Path(__file__).parent / "fixtures"
CASE_SAMPLE = FIXTURES / "case-sample.json"
CASE_DOCUMENT_ID = "5c1d7f3e-2a4b-4c8e-9f10-1a2b3c4d5e6f"
ARTERIAL_GAS_ID = "b2000000-0000-4000-8000-000000000004"

CSV_SAMPLE = """code,title,parent_code,description
SAF,Patient safety,,
SAF.1,Hand hygiene,SAF,"Before and after every patient contact."
SAF.2,"Sharps, safely",SAF,
TEAM,Team working,,
"""


def waymark(items, **framework):
    meta = {"name": "Test Framework", "version": "1", "source": "Written for a test."}
    return json.dumps({"framework": meta | framework, "items": items}).encode()


def item(code, title=None, parent=None, **extra):
    return {"code": code, "title": title or f"Title of {code}", "parent": parent} | extra


def import_bytes(data, filename="test.json", **options):
    return import_framework_file(actor=None, filename=filename, data=data, **options)


def snapshot():
    """Every value of every framework and item row, to show that nothing was written."""
    return (
        list(Framework.objects.order_by("pk").values()),
        list(Item.objects.order_by("pk").values()),
    )


def tree(framework):
    """{code: parent code} for a framework's items."""
    return dict(framework.items.values_list("code", "parent__code"))
