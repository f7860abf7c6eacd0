from django.db import migrations

FIRST_NOTICE = """根据《会计法》和《会计人员管理办法》，从事会计工作的人员应当在所在地会计管理部门办理信息登记。
一、请如实填写个人信息、工作单位、学历和专业技术资格；所填信息将作为您的会计人员档案，并向考试报名、继续教育等系统提供查询。
二、填写过程中每一步都会自动保存，可以随时离开，下次登录后继续。
三、需要准备的材料：身份证件正反面照片、全日制学历毕业证书（遗失的，由工作单位出具学历证明）、一寸免冠照片；取得专业技术资格、聘任会计专业技术职务或取得珠算等级的，还需相应证书或文件。手机拍照即可，系统会自动处理照片大小。
四、提交前需下载并打印系统生成的个人基本信息表，本人签字（有工作单位的加盖单位公章）后拍照上传。
五、首次信息采集由省财政厅审核，一般在 5 个工作日内完成；审核进度和意见可随时在首页查看。
六、提供虚假信息的，将依法记入会计人员信用档案。"""


def create_first_notice(apps, schema_editor):
    Notice = apps.get_model("collection", "Notice")
    if not Notice.objects.exists():
        Notice.objects.create(version=1, title="信息登记须知", body=FIRST_NOTICE)


class Migration(migrations.Migration):
    dependencies = [("collection", "0001_initial")]

    operations = [migrations.RunPython(create_first_notice, migrations.RunPython.noop)]
