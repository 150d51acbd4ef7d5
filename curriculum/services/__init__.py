"""Every change to frameworks, items, programmes, enrolments and requirements goes through a
function here, split by subject: importing frameworks, and managing programmes."""

from curriculum.services.frameworks import (
    DATA_DIR,
    SHIPPED_FRAMEWORKS,
    ImportResult,
    hash_content,
    import_framework,
    import_framework_file,
    load_shipped_frameworks,
)
from curriculum.services.programmes import (
    REQUIREMENT_LEVELS,
    create_programme,
    end_enrolment,
    enrol_trainee,
    remove_requirement,
    require_level,
    set_requirement,
    update_programme,
)

__all__ = [
    "DATA_DIR",
    "REQUIREMENT_LEVELS",
    "SHIPPED_FRAMEWORKS",
    "ImportResult",
    "create_programme",
    "end_enrolment",
    "enrol_trainee",
    "hash_content",
    "import_framework",
    "import_framework_file",
    "load_shipped_frameworks",
    "remove_requirement",
    "require_level",
    "set_requirement",
    "update_programme",
]
