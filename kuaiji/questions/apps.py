from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "kuaiji.questions"
    label = "questions"
    verbose_name = "留言咨询"
