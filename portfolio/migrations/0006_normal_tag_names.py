"""Tag names in normal form (portfolio.tags.normal_tag): "#journal club", "Journal-Club" and
"journal  club" become the one tag "journal-club", their entries merged onto it.

An entry under a standing sign-off keeps its tags as spelled: the sign-off's hash covers
them, and renaming them would make the entry look altered after it was signed off. Badge
rules find such tags through their normal names (badges.facts)."""

import re

from django.db import migrations

SEPARATORS = re.compile(r"[\s_-]+")


def normal_tag(name: str) -> str:
    # portfolio.tags.normal_tag as it was when this migration was written.
    name = SEPARATORS.sub("-", name.strip().lstrip("#").lower()).strip("-")
    return name[:50].rstrip("-")


def normalise_tags(apps, schema_editor):
    Tag = apps.get_model("portfolio", "Tag")
    LearningEntry = apps.get_model("portfolio", "LearningEntry")
    SignOff = apps.get_model("portfolio", "SignOff")
    Link = LearningEntry.tags.through
    vouched = set(
        SignOff.objects.filter(withdrawal__isnull=True).values_list("entry_id", flat=True)
    )
    by_name = {tag.name: tag for tag in Tag.objects.all()}
    for tag in sorted(by_name.values(), key=lambda t: t.pk):
        name = normal_tag(tag.name)
        if name == tag.name:
            continue
        links = list(Link.objects.filter(tag_id=tag.pk))
        moving = [link for link in links if link.learningentry_id not in vouched]
        keeper = by_name.get(name)
        if keeper is None and name and len(moving) == len(links):
            del by_name[tag.name]
            tag.name = name
            tag.save(update_fields=["name"])
            by_name[name] = tag
            continue
        if keeper is None and name:
            keeper = by_name[name] = Tag.objects.create(name=name)
        if keeper is not None:
            tagged = set(
                Link.objects.filter(tag_id=keeper.pk).values_list("learningentry_id", flat=True)
            )
            Link.objects.bulk_create(
                Link(learningentry_id=link.learningentry_id, tag_id=keeper.pk)
                for link in moving
                if link.learningentry_id not in tagged
            )
        Link.objects.filter(pk__in=[link.pk for link in moving]).delete()
        if len(moving) == len(links):
            del by_name[tag.name]
            tag.delete()


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0005_entry_dates_and_text_limits")]

    operations = [migrations.RunPython(normalise_tags, migrations.RunPython.noop)]
