from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


def favicon_redirect(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # The hashed name exists only once collectstatic has run: looked up per request, not when the URLs load.
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))


# The admin's own login form would bypass allauth (and MFA): send it through allauth.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    # Browsers ask for /favicon.ico on pages that name no icon (a PDF, the API's JSON).
    path("favicon.ico", favicon_redirect),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("quickbooks/", include("apps.quickbooks.urls")),
    path("api/v1/", include("config.api_urls")),
    # Signed-in people only: the schema answers others 401 (SPECTACULAR_SETTINGS), the docs send them to sign in.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
]

if settings.QBO_ENVIRONMENT == "local":
    urlpatterns.append(path("qbo-sandbox/", include("apps.qbo_sandbox.urls")))

# Uploaded files (MEDIA_ROOT) are never mounted, in any mode: each is handed out by a view that checks who asks
# (a customer's attachments, an import's files).
