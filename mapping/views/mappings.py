def mapping_create(request, pk):
    raise NotImplementedError  # TODO: mapping pages

def mapping_decide(request, pk):
    raise NotImplementedError  # TODO: mapping pages

def mapping_detail(request, pk):
    raise NotImplementedError  # TODO: mapping pages

def mapping_edit(request, pk):
    raise NotImplementedError  # TODO: mapping pages

def mapping_meeting_create(request, pk):
    raise NotImplementedError  # TODO: mapping pages

def mapping_sign(request, pk):
    raise NotImplementedError  # TODO: mapping pages

def meeting_edit(request, pk):
    raise NotImplementedError  # TODO: mapping pages

def person_meeting_create(request, pk):
    raise NotImplementedError  # TODO: mapping pages

