import codecs

from extractors.decoding import decode_html, looks_binary

KOREAN = "<html><body><p>전북도, 자동차부품 뿌리기업 우즈베키스탄 진출 시동</p></body></html>"


def test_utf8_bom_wins():
    page = decode_html(codecs.BOM_UTF8 + KOREAN.encode("utf-8"), "text/html; charset=euc-kr")
    assert page.source == "bom" and "뿌리기업" in page.text


def test_euc_kr_header_is_read_as_cp949():
    # 똠 and 햏 exist in CP949 only, not in strict EUC-KR.
    text = KOREAN.replace("시동", "시동 똠햏")
    page = decode_html(text.encode("cp949"), "text/html; charset=EUC-KR")
    assert page.encoding == "cp949" and "똠햏" in page.text


def test_meta_charset_that_lies_is_overruled_by_the_bytes():
    lying = KOREAN.replace("<html>", "<html><head><meta charset='utf-8'></head>")
    page = decode_html(lying.encode("cp949"))
    assert page.encoding == "cp949" and "우즈베키스탄" in page.text


def test_utf8_bytes_declared_as_euc_kr_stay_utf8():
    page = decode_html(KOREAN.encode("utf-8"), "text/html; charset=euc-kr")
    assert page.encoding == "utf-8" and "뿌리기업" in page.text


def test_no_declaration_cp949_is_detected():
    page = decode_html(KOREAN.encode("cp949"))
    assert "자동차부품" in page.text


def test_a_few_broken_bytes_do_not_lose_the_page():
    raw = KOREAN.encode("utf-8") * 50
    raw = raw[:500] + b"\xff" + raw[500:]
    page = decode_html(raw)
    assert page.text.count("뿌리기업") >= 49


def test_str_passes_through_and_binary_is_recognised():
    assert decode_html(KOREAN).text == KOREAN
    assert looks_binary(bytes(range(256)) * 4)
    assert not looks_binary(KOREAN.encode("utf-8"))
    # Without NUL: many control bytes make binary; tabs, newlines and form feeds are text.
    assert looks_binary(bytes(range(1, 32)) * 4 + KOREAN.encode("utf-8"))
    assert not looks_binary(b"\t\n\r\x0b\x0c" * 40 + KOREAN.encode("utf-8"))
