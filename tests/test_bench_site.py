"""The bench's loopback site: distinct copies of the mirror's articles, served as a news site serves them."""
import http.client

from crawler.tools.bench import SyntheticSite, mirror_article_pages


def test_copies_are_distinct_articles_served_over_one_kept_alive_connection():
    with SyntheticSite(mirror_article_pages(), 3) as site:
        host, port = site.server.server_address[:2]
        connection = http.client.HTTPConnection(host, port, timeout=10)
        bodies = []
        for number in range(3):
            connection.request("GET", f"/news/{number}")
            response = connection.getresponse()
            assert response.status == 200
            assert not response.will_close  # HTTP/1.0 would close after every page
            bodies.append(response.read().decode("utf-8"))
        connection.request("GET", "/news/3")
        missing = connection.getresponse()
        missing.read()
        connection.close()
    assert missing.status == 404
    for number, body in enumerate(bodies):
        assert f"<title>[{number}] " in body and f"벤치마크 기사 {number}번" in body
    assert len(set(bodies)) == 3
