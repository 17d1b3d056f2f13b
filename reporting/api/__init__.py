"""The statistics API (SPEC §5, §6): one stack for the computed reports and the follow-up
resources, scoped to the user's aggregates, small cells suppressed for the readers
reporting.suppression names, every answer in the access log.

- `base`: what every statistics endpoint shares (who may ask, which areas, how figures are
  shown, how reads are logged): `AggregateEndpoint`, the aggregate-scoped viewsets;
- `params`: every query parameter parsed one way (months, days, periods, the filters);
- `schema`: the OpenAPI answers and parameters the endpoints share;
- `reports`, `report_serializers`, `report_csv`: the five computed reports under
  /api/v1/reports/ (`urls`), as JSON and CSV;
- `work_plans`, `snapshots`, `deviation_reports` (+ `deviation_serializers`): the resources
  under /api/v1/ (`resource_urls`)."""
