"""The allocation's pages, under /housing/offers/ where the associations know them."""

from django.urls import path

from cases.views import allocation

app_name = "allocation"
urlpatterns = [
    path("", allocation.offer_list, name="offer_list"),
    path("new/", allocation.offer_new, name="offer_new"),
    path("<int:pk>/", allocation.offer_detail, name="offer_detail"),
    path("<int:pk>/propose/", allocation.offer_propose, name="offer_propose"),
    path("<int:pk>/return/", allocation.offer_return, name="offer_return"),
    path("<int:pk>/withdraw/", allocation.offer_withdraw, name="offer_withdraw"),
    path("<int:pk>/move-out/", allocation.offer_move_out, name="offer_move_out"),
]
