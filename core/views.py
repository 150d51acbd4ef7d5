"""Site-wide pages that belong to no single app: the home page and the error pages."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def home(request):
    return render(request, "home.html")


def page_not_found(request, exception):
    return render(request, "errors/404.html", status=404)


def permission_denied(request, exception):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    # Rendered without a request, so no context processor touches the database: the
    # error may be the database.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
