from django.urls import path

from contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.department_list, name="department_list"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
]
