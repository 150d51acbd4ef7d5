"""The public JSON representations of frameworks and items. Their URLs are the alignment
targets that badges point to, so the shapes here are a published interface."""

from django.urls import reverse

from core.site import absolute_url
from curriculum.models import Framework, Item


def framework_summary(framework: Framework) -> dict:
    return {
        "id": absolute_url(framework.get_absolute_url()),
        "type": "CurriculumFramework",
        "slug": framework.slug,
        "name": framework.name,
        "version": framework.version,
        "publisher": framework.publisher,
    }


def item_url(framework: Framework, item: Item) -> str:
    # Built from the framework passed in, so that listing many items costs no query per item.
    return absolute_url(
        reverse("curriculum:item_detail", args=[framework.slug, framework.version, item.code])
    )


def framework_document(framework: Framework, items: list[Item]) -> dict:
    codes = {item.pk: item.code for item in items}
    return {
        **framework_summary(framework),
        "source": framework.source,
        "sourceUrl": framework.source_url,
        "licence": framework.licence,
        "notes": framework.notes,
        "items": [
            {
                "id": item_url(framework, item),
                "code": item.code,
                "title": item.title,
                "parent": codes.get(item.parent_id),
            }
            for item in items
        ],
    }


def item_document(
    framework: Framework, item: Item, parent: Item | None, children: list[Item]
) -> dict:
    return {
        "id": item_url(framework, item),
        "type": "CurriculumItem",
        "code": item.code,
        "title": item.title,
        "description": item.description,
        "framework": framework_summary(framework),
        "parent": {"id": item_url(framework, parent), "code": parent.code, "title": parent.title}
        if parent
        else None,
        "children": [
            {"id": item_url(framework, child), "code": child.code, "title": child.title}
            for child in children
        ],
        **({"extra": item.extra} if item.extra else {}),
    }
