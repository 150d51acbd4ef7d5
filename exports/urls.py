from django.urls import path

from exports import views, views_import

app_name = "exports"

urlpatterns = [
    path("exports/", views.export_page, name="export_page"),
    path("exports/<int:export_id>/status/", views.export_status, name="export_status"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
    path("portfolio/import/", views_import.import_page, name="import"),
    path(
        "schemas/waymark-portfolio-1.json",
        views_import.portfolio_schema,
        name="portfolio_schema",
    ),
]
