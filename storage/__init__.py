"""Program database: models, engine and sessions, migrations, CSV import, demo data."""
