"""An Arabic catalog (an Odoo export from Riyadh) read and decided by its own words."""

from __future__ import annotations

from advisor_helpers import decided_rows

ODOO = (
    '"Internal Reference","Name","Product Category","Product Type","Sales Price"\n'
    '"A1","سامسونج جالكسي S24 FE 256 جيجا","All / Saleable / إلكترونيات / هواتف","Storable Product","2899.0"\n'
    '"A2","شاحن أنكر 20 واط USB-C","All / Saleable / إلكترونيات / إكسسوارات","Storable Product","59.0"\n'
    '"A3","غسالة إل جي تعبئة أمامية 9 كجم","All / Saleable / أجهزة منزلية / غسالات","Storable Product","1899.0"\n'
    '"A4","خاتم ذهب عيار 21 نسائي","All / Saleable / مجوهرات / ذهب","Storable Product","1450.0"\n'
    '"A5","أسوارة مطلية بالذهب - إكسسوار","All / Saleable / إكسسوارات","Storable Product","49.0"\n'
    '"A6","حليب المراعي طازج كامل الدسم 2 لتر","All / Saleable / أغذية / ألبان","Storable Product","11.5"\n'
    '"A7","بنادول أدفانس 500 ملجم 24 قرص","All / Saleable / صحة / أدوية بدون وصفة","Storable Product","9.0"\n'
    '"A8","حفاضات بامبرز مقاس 5 - 52 حبة","All / Saleable / أطفال / حفاضات","Storable Product","69.0"\n'
    '"A9","طعام قطط ويسكاس بالتونة 1.2 كجم","All / Saleable / حيوانات أليفة","Storable Product","32.0"\n'
    '"A10","خدمة تركيب مكيف سبليت داخل الرياض","All / Saleable / خدمات","Service","199.0"\n'
    '"A11","اشتراك شاهد VIP لمدة 12 شهر (كود رقمي)","All / Saleable / اشتراكات رقمية","Service","299.0"\n'
    '"A12","مكيف سبليت سهل التركيب 18000 وحدة","All / Saleable / أجهزة منزلية","Storable Product","2199.0"\n'
)


def test_an_arabic_catalog_is_decided_by_its_own_words(tmp_path):
    path = tmp_path / "product_template.csv"
    path.write_text(ODOO, encoding="utf-8")
    rows = decided_rows(path, "SAR")
    got = {sku: (r["vertical"], r["method"]) for sku, r in rows.items()}
    assert got == {
        "A1": ("mobile_phones", "serial"),
        "A2": ("electronics", "serial"),  # SAR 59 is about INR 1,500: a serialised accessory
        "A3": ("appliances", "serial"),
        "A4": ("fine_jewellery", "serial"),
        "A5": ("fashion_jewellery", "batch"),  # gold-plated: imitation, whatever "ذهب" says
        "A6": ("food", "batch"),
        "A7": ("otc_medicines", "batch"),
        "A8": ("baby_care", "batch"),
        "A9": ("pet_food", "batch"),
        "A10": ("services", "none"),
        "A11": ("digital_goods", "none"),  # Odoo types it Service; its words say a code
        "A12": ("appliances", "serial"),  # "easy to install" is not an installation service
    }
    assert "بالتونة" not in rows["A9"]["vertical_source"]  # explained by its own words
    assert "طعام قطط" in rows["A9"]["vertical_source"]
    assert "expiry" in rows["A6"]["capture"]
