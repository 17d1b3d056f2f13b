from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = _("Gemensam kartläggning och insatser")

    def ready(self):
        # A case's support follows the case (SPEC §4, ADR 0008): closing it ends its running
        # interventions, moving it takes the person's open mapping along. The case services
        # run these steps inside their own transaction, whoever closes or moves the case.
        from cases.flags import provide_case_facts
        from cases.services import on_case_closed, on_case_moved
        from cases.views.parts import contribute_to_pages

        from .selectors.base import case_fact_annotations
        from .services import interventions_end_with_case, mapping_move_area
        from .views.case_parts import case_page, person_page

        on_case_closed(interventions_end_with_case)
        on_case_moved(mapping_move_area)
        # The flags of SPEC §3 read the plan and the meetings kept here (cases.flags).
        provide_case_facts(case_fact_annotations)
        # The person and case pages show the plan, interventions, meetings and mappings kept
        # here, and link to this app's pages (cases.views.parts).
        contribute_to_pages(case_page=case_page, person_page=person_page)
