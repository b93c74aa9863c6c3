from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from caredesk.staff import account_views, shortcut_views, sign_in_views, views

app_name = "staff"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="staff/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    # Public so that signing out always works, whatever roles a person has (or has lost).
    path("logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("home/", views.home, name="home"),
    path("absences/", views.absences, name="absences"),
    path("two-factor/", sign_in_views.two_factor, name="two_factor"),
    path("two-factor/set-up/", sign_in_views.two_factor_set_up, name="two_factor_set_up"),
    path("password/", sign_in_views.password_change, name="password_change"),
    path("shortcuts/", shortcut_views.shortcuts, name="shortcuts"),
    path("accounts/", account_views.accounts, name="accounts"),
    path("accounts/<str:username>/", account_views.account, name="account"),
]
