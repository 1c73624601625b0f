"""Factdesk's Qt-free core: services, analysis, importers, reports and sharing."""
