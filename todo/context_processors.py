from .selectors import todo_count
from .views import has_todo_list


def todo(request):
    """The number beside "Att göra" in the navigation, for those who have a to-do list."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not has_todo_list(user):
        return {}
    from accounts.mfa import has_second_factor

    if not has_second_factor(request):
        return {}
    return {"todo_count": todo_count(user)}
