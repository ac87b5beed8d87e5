import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from cityloom.network.models import (
    City,
    Commission,
    Invitation,
    Membership,
    MembershipRequest,
    Organisation,
    Region,
)


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ["geonames_id"]

    geonames_id = factory.Sequence(lambda n: 9_000_000 + n)
    name = factory.Sequence(lambda n: f"City {n}")
    search_names = factory.LazyAttribute(lambda o: City.make_search_names(o.name, []))
    country_code = "FR"
    country_name = "France"
    region = Region.EUROPE
    population = 100_000
    latitude = 45.0
    longitude = 0.0


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = "United Cities and Local Governments"
    acronym = "UCLG"


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commission

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"commission-{n}")
    name = factory.Sequence(lambda n: f"Commission {n}")
    secretariat_email = "secretariat@example.org"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    city = factory.SubFactory(CityFactory)
    commission = factory.SubFactory(CommissionFactory)
    status = Membership.Status.ACTIVE
    joined_on = dt.date(2010, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def email_verified(obj, create, extracted, **kwargs):
        """A verified primary address, as e-mail verification is mandatory to log in;
        `UserFactory(email_verified=False)` makes an account that never proved its address."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email.lower(), primary=True, verified=extracted is not False
            )


class MembershipRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipRequest

    commission = factory.SubFactory(CommissionFactory)
    city = factory.SubFactory(CityFactory)
    contact_name = "Ana Pérez"
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    motivation = "We want to learn from other cities."
    language = "en"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    city = factory.SubFactory(CityFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = "member"
    language = "en"
    invited_by = factory.SubFactory(UserFactory)
