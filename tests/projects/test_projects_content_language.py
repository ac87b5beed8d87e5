"""A project's texts say their language on pages in another one (issue 17)."""

import pytest

from .conftest import make_project


@pytest.mark.django_db
def test_the_french_page_of_an_english_project_marks_title_and_crumb(
    client, commission, secretariat, cities
):
    project = make_project(commission, secretariat, cities, title="Joining industries")
    html = client.get(f"/fr/projects/{project.pk}/").content.decode()
    assert '<h1><span lang="en">Joining industries</span></h1>' in html
    assert '<span aria-current="page" lang="en">Joining industries</span>' in html
    project.title_fr = "Rapprocher les industries"
    project.save()
    html = client.get(f"/fr/projects/{project.pk}/").content.decode()
    assert "<h1>Rapprocher les industries</h1>" in html
