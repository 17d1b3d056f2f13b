# Joint mappings, meetings, plans and interventions (SPEC §4) live here.
