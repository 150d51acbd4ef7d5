from django.urls import path

from exports import views_import

app_name = "exports"

urlpatterns = [
    path("portfolio/import/", views_import.import_page, name="import"),
    path(
        "schemas/waymark-portfolio-1.json",
        views_import.portfolio_schema,
        name="portfolio_schema",
    ),
]
