from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("audit/checkpoints/", views.checkpoint_list, name="checkpoints"),
    path("audit/checkpoints/latest/", views.latest_checkpoint, name="latest-checkpoint"),
    path("audit/checkpoints/keys/", views.public_keys, name="checkpoint-keys"),
    path("audit/checkpoints/<int:number>/", views.checkpoint_detail, name="checkpoint"),
]
