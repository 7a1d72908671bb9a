"""
The sandbox's addresses mirror Intuit's paths under one prefix (``/qbo-sandbox/``), mounted by ``config.urls`` only
when ``QBO_ENVIRONMENT`` is ``local``.
"""

from django.urls import path

from apps.qbo_sandbox.api import batch, cdc, query_views
from apps.qbo_sandbox.api import views as api_views
from apps.qbo_sandbox.api.entity_views import entity_urlpatterns
from apps.qbo_sandbox.oauth import views as oauth_views

app_name = "qbo_sandbox"

urlpatterns = [
    path(".well-known/openid_configuration/", oauth_views.discovery, name="discovery"),
    path(".well-known/openid_sandbox_configuration/", oauth_views.discovery, name="discovery-sandbox"),
    path("connect/oauth2", oauth_views.authorize, name="authorize"),
    path("oauth2/v1/tokens/bearer", oauth_views.token, name="token"),
    path("v2/oauth2/tokens/revoke", oauth_views.revoke, name="revoke"),
    path("v1/openid_connect/userinfo", oauth_views.userinfo, name="userinfo"),
    path("op/v1/jwks", oauth_views.jwks, name="jwks"),
    path("v3/company/<str:realm_id>/companyinfo/<str:entity_id>", api_views.company_info, name="companyinfo"),
    path("v3/company/<str:realm_id>/preferences", api_views.preferences, name="preferences"),
    path("v3/company/<str:realm_id>/query", query_views.query, name="query"),
    path("v3/company/<str:realm_id>/cdc", cdc.cdc, name="cdc"),
    path("v3/company/<str:realm_id>/batch", batch.batch, name="batch"),
]

# Entity reads and writes: one route per entity type (apps.qbo_sandbox.api.entity_views).
urlpatterns += entity_urlpatterns()
