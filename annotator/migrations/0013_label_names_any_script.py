# Label names may be written in any script (issue 19): a letter, then letters, digits or _
# (services.projects.LABEL_NAME). Only the validator changes; no column does.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotator', '0012_join_links'),
    ]

    operations = [
        migrations.AlterField(
            model_name='label',
            name='name',
            field=models.CharField(max_length=64, validators=[django.core.validators.RegexValidator('^[^\\W\\d_]\\w*$', 'a letter, then letters, digits or _')]),
        ),
    ]
