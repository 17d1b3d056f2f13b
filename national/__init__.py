"""The chain above the area (issue 20): registration in the national systems (SUS and AIS,
`registration_points`) and the reporting calendar's packages for the national group
(`packages`)."""
