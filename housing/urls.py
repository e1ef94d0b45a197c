from django.urls import path

from housing import views

app_name = "housing"
urlpatterns = [
    path("", views.department_list, name="department_list"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
]
