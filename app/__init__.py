"""Factdesk: an offline desktop application for fact-checking news articles.

This module is the single source of the application's name, version and ids;
packaging and the About box import them from here.
"""

__version__ = "0.1.0"
APP_NAME = "Factdesk"
APP_ID = "org.factdesk.Factdesk"
ORGANISATION = "Factdesk"
# SQLite `PRAGMA application_id` of every .factdesk file: ASCII "FDSK".
SQLITE_APPLICATION_ID = 0x4644534B
PROJECT_SUFFIX = ".factdesk"
