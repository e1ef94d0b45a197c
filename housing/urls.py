from django.urls import path

from housing import views

app_name = "housing"
urlpatterns = [
    path("", views.department_list, name="department_list"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/new/", views.offer_new, name="offer_new"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/propose/", views.offer_propose, name="offer_propose"),
    path("offers/<int:pk>/return/", views.offer_return, name="offer_return"),
]
