def intervention_create(request, pk):
    raise NotImplementedError  # TODO: intervention pages

def intervention_detail(request, pk):
    raise NotImplementedError  # TODO: intervention pages

def intervention_edit(request, pk):
    raise NotImplementedError  # TODO: intervention pages

def intervention_end(request, pk):
    raise NotImplementedError  # TODO: intervention pages

def intervention_move(request, pk):
    raise NotImplementedError  # TODO: intervention pages

def intervention_start(request, pk):
    raise NotImplementedError  # TODO: intervention pages

