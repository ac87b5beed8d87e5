"""The upload policy of what the secretariat publishes: news images and documents to download."""

from cityloom.core import uploads

NEWS_IMAGES = uploads.Policy(types=(uploads.PNG, uploads.JPEG), max_bytes=5 * 1024 * 1024)
DOCUMENTS = uploads.Policy(types=uploads.OFFICE_AND_IMAGES, max_bytes=30 * 1024 * 1024)
