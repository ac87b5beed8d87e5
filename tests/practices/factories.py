import factory

from cityloom.core.axes import Axis
from cityloom.practices import search
from cityloom.practices.models import Practice, Transfer
from tests.factories import CityFactory, CommissionFactory


class PracticeFactory(factory.django.DjangoModelFactory):
    """A published practice, indexed for search (as the services leave it)."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    commission = factory.SubFactory(CommissionFactory)
    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"Practice {n}")
    summary = "A summary."
    axis = Axis.ECONOMY
    problem = "A problem."
    solution = "A solution."
    language = "en"
    status = Practice.Status.PUBLISHED
    published_at = factory.Faker("date_time_this_decade", tzinfo=__import__("datetime").UTC)

    @factory.post_generation
    def _index(obj, create, extracted, **kwargs):
        if create:
            obj.copy_city_facets()
            obj.save()
            search.index_practice(obj)


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    practice = factory.SubFactory(PracticeFactory)
    adopting_city = factory.SubFactory(CityFactory)
    started_on = factory.Faker("date_this_decade")
