"""Sync: the station's records to one central PostgreSQL database.

``tables`` declares what syncs and how; ``central`` creates or upgrades the
central schema; ``engine`` runs a sync. Nothing here imports Textual, and
asyncpg is imported only when a sync runs.
"""
