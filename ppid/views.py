"""The PPID's public pages: the landing page, the request form and the status page."""

from django.shortcuts import render


def landing(request):
    return render(request, "ppid/landing.html")
