def person_overview(request, pk):
    raise NotImplementedError  # TODO: overview
