"""Benchmark: the repository's 14 items built in English, Arabic and Chinese.

    .venv/bin/python bench/languages.py              # 3 runs each, medians
    .venv/bin/python bench/languages.py --runs 5 --keep /tmp/languages

The Arabic and the Chinese brochure are the repository's own entries with their titles,
summaries and bodies replaced by Arabic or Chinese text (paragraph for paragraph, so
each item keeps its number of paragraphs), and the brochure's title, subtitle,
publisher and intro translated; pictures, dates, links and credits stay. Each is built
with `brochure build --force` in a process of its own, one after the other, and the
medians are printed with their ratio to English (issue 13 wants at most 1.5).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BROCHURE = [sys.executable, "-m", "brochure"]

TEXTS = {
    "ar": {
        "settings": {
            "title": "الاتحاد الأوروبي ومكتب الأمم المتحدة المعني بالمخدرات والجريمة",
            "subtitle": "الاتصالات والأنشطة المشتركة بين الاتحاد الأوروبي والمكتب",
            "publisher": "مكتب الأمم المتحدة المعني بالمخدرات والجريمة",
            "intro": "ترد أدناه مجموعة غير حصرية من الأخبار التي تعكس ثراء الاتصالات والأنشطة المشتركة "
                     "بين الاتحاد الأوروبي ومكتب الأمم المتحدة المعني بالمخدرات والجريمة.",
        },
        "titles": [
            "تبادل السياسات بين الفريق المشترك بين الوكالات ومنسقة الاتحاد الأوروبي لمكافحة الاتجار بالبشر",
            "الاتحاد الأوروبي يدعم برنامج مراقبة الحاويات في موانئ غرب أفريقيا",
            "نيجيريا تنشر أول مسح وطني عن تعاطي المخدرات بدعم من الاتحاد الأوروبي",
            "تمويل جديد لمكافحة الفساد والجرائم المتصلة بالحياة البرية",
        ],
        "summary": "اجتماع في بروكسل لتنسيق الجهود المشتركة في مكافحة الاتجار بالأشخاص.",
        "paragraphs": [
            "في الحادي عشر من نيسان/أبريل 2019، اجتمع أعضاء الفريق المشترك بين الوكالات للتنسيق في مجال مكافحة "
            "الاتجار بالأشخاص مع منسقة الاتحاد الأوروبي لمكافحة الاتجار بالبشر في بروكسل، لتبادل الخبرات حول "
            "حماية الضحايا وملاحقة الشبكات الإجرامية العابرة للحدود. وأكد المشاركون أن التعاون بين الاتحاد "
            "الأوروبي ومكتب الأمم المتحدة المعني بالمخدرات والجريمة يظل أساسياً لتعزيز قدرات الدول على التحقيق "
            "في هذه الجرائم ومقاضاة مرتكبيها، مع ضمان حصول الناجين على الدعم القانوني والنفسي الذي يحتاجون إليه.",
            "وقد عرض المكتب خلال الاجتماع نتائج التقرير العالمي عن الاتجار بالأشخاص، الذي يبيّن أن النساء "
            "والفتيات ما زلن يشكّلن أكثر من ثلثي الضحايا المكتشفين، وأن الاتجار بالأطفال في ازدياد في عدد من "
            "المناطق. واتفق الطرفان على مواصلة العمل المشترك في إطار خطة العمل الأوروبية، ولا سيما في مجالات "
            "جمع البيانات وتدريب القضاة وأعضاء النيابة العامة وتبادل المعلومات بين أجهزة إنفاذ القانون.",
            "ويعمل المكتب، بصفته المنسق الدائم للفريق وأمانته، على توثيق الشراكات بين الهيئات الأعضاء والدول "
            "وسائر أصحاب المصلحة. ويُنفَّذ مشروع «العمل العالمي لمكافحة الاتجار بالأشخاص وتهريب المهاجرين» "
            "الممول من الاتحاد الأوروبي في ثلاثة عشر بلداً بالتعاون مع منظمة اليونيسف والمنظمة الدولية للهجرة.",
        ],
    },
    "zh": {
        "settings": {
            "title": "欧洲联盟与联合国毒品和犯罪问题办公室",
            "subtitle": "欧洲联盟与毒品和犯罪问题办公室的联系与联合活动",
            "publisher": "联合国毒品和犯罪问题办公室",
            "intro": "以下是部分新闻精选，反映了欧洲联盟与联合国毒品和犯罪问题办公室之间丰富的联系与联合活动。",
        },
        "titles": [
            "打击人口贩运机构间协调小组与欧盟反人口贩运协调员举行政策交流",
            "欧洲联盟支持西非港口集装箱管制方案",
            "尼日利亚在欧盟支持下发布首次全国药物使用调查",
            "打击腐败和野生动植物犯罪获得新的资金支持",
        ],
        "summary": "各方在布鲁塞尔会晤，协调打击人口贩运的共同努力。",
        "paragraphs": [
            "2019年4月11日，打击人口贩运机构间协调小组工作组成员在布鲁塞尔与欧洲联盟反人口贩运协调员举行政策"
            "交流会，就保护受害者和打击跨国犯罪网络交换了经验。与会者强调，欧洲联盟与联合国毒品和犯罪问题办公室"
            "之间的合作对于加强各国调查和起诉此类犯罪的能力至关重要，同时必须确保幸存者获得所需的法律和心理支持。",
            "会上，毒品和犯罪问题办公室介绍了《全球人口贩运问题报告》的主要结论：妇女和女童仍占已发现受害者的三分"
            "之二以上，而在一些区域，儿童被贩运的情况有所增加。双方同意在欧洲行动计划框架内继续开展联合工作，特别"
            "是在数据收集、法官和检察官培训以及执法机构之间的信息交流方面。",
            "作为协调小组的常设协调员和秘书处，毒品和犯罪问题办公室积极推动成员实体、会员国及其他利益攸关方之间"
            "的密切伙伴关系。由欧盟资助的“打击人口贩运和偷运移民全球行动”项目已与联合国儿童基金会和国际移民组织"
            "合作，在十三个国家实施了四年。",
        ],
    },
}


def make_project(folder: Path, language: str) -> None:
    """The repository's brochure, in `language` (en: as it is)."""
    shutil.copytree(REPO / "entries", folder / "entries")
    settings = yaml.safe_load((REPO / "brochure.yaml").read_text("utf-8"))
    if language != "en":
        texts = TEXTS[language]
        settings.update(texts["settings"], language=language)
        for number, path in enumerate(sorted((folder / "entries").glob("*.yaml"))):
            entry = yaml.safe_load(path.read_text("utf-8"))
            paragraphs = [part for part in entry["body"].split("\n\n") if part.strip()]
            entry["title"] = texts["titles"][number % len(texts["titles"])]
            entry["body"] = "\n\n".join(texts["paragraphs"][index % len(texts["paragraphs"])]
                                        for index in range(len(paragraphs))) + "\n"
            if entry.get("summary"):
                entry["summary"] = texts["summary"]
            path.write_text(yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), "utf-8")
    (folder / "brochure.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), "utf-8")


def build_seconds(folder: Path) -> float:
    began = time.monotonic()
    done = subprocess.run([*BROCHURE, "-C", str(folder), "build", "--force", "-q"], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"build in {folder} failed:\n{done.stdout}{done.stderr}")
    return time.monotonic() - began


def pages(folder: Path) -> int:
    import pikepdf

    with pikepdf.open(folder / "build" / "brochure.pdf") as pdf:
        return len(pdf.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="make the projects in this folder and keep them")
    arguments = parser.parse_args()
    base = arguments.keep or Path(tempfile.mkdtemp(prefix="brochure-languages-"))
    try:
        times = {}
        for language in ("en", "ar", "zh"):
            folder = base / language
            shutil.rmtree(folder, ignore_errors=True)
            make_project(folder, language)
            build_seconds(folder)  # warm: the file cache, Python's bytecode
            times[language] = statistics.median(build_seconds(folder) for _ in range(arguments.runs))
        print(f"14 items, medians of {arguments.runs} runs of `brochure build --force`:")
        print("| language | pages | build | time / English |")
        print("|---|---:|---:|---:|")
        for language, seconds in times.items():
            print(f"| {language} | {pages(base / language)} | {seconds:.2f} s | {seconds / times['en']:.2f} |")
    finally:
        if not arguments.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
