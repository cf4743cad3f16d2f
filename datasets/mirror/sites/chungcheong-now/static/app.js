/* 충청나우 front end: renders every page from the JSON API, so the HTML
   shell itself carries no article text. Plain DOM calls, no framework and
   no external resources, so it runs offline in any headless browser. */
(function () {
  "use strict";

  var SITE_NAME = "충청나우";

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + " answered " + response.status);
      }
      return response.json();
    });
  }

  // "2024-03-05T10:20:00+09:00" -> "2024.03.05 10:20" (the API always sends Korea time).
  function displayTime(iso) {
    return iso.slice(0, 10).replace(/-/g, ".") + " " + iso.slice(11, 16);
  }

  function articleLink(item) {
    return element("a", { href: item.url }, [item.title]);
  }

  function cardList(items) {
    return element("ul", { "class": "cards" }, items.map(function (item) {
      return element("li", {}, [
        articleLink(item),
        " ",
        element("time", { datetime: item.published }, [displayTime(item.published)])
      ]);
    }));
  }

  function popularSidebar() {
    var list = element("ol", {}, []);
    var aside = element("aside", { "class": "popular" }, [element("h2", {}, ["많이 본 기사"]), list]);
    getJson("/api/popular.json").then(function (data) {
      data.articles.forEach(function (item) {
        list.appendChild(element("li", {}, [articleLink(item)]));
      });
    }).catch(function () { aside.remove(); });
    return aside;
  }

  function storyBody(article) {
    var body = element("div", { "class": "story-body" }, []);
    function addImagesAfter(index) {
      article.images.forEach(function (image) {
        if (image.after === index) {
          body.appendChild(element("figure", {}, [
            element("img", { src: image.src, alt: image.caption }, []),
            element("figcaption", {}, [image.caption])
          ]));
        }
      });
    }
    addImagesAfter(-1);
    article.paragraphs.forEach(function (text, index) {
      body.appendChild(element("p", {}, [text]));
      addImagesAfter(index);
    });
    return body;
  }

  function renderArticle(app, id) {
    return getJson("/api/articles/" + id + ".json").then(function (article) {
      var meta = element("div", { "class": "meta" }, []);
      if (article.reporter) {
        meta.appendChild(document.createTextNode(article.reporter + " 기자 · "));
      }
      meta.appendChild(element("time", { datetime: article.published }, [displayTime(article.published)]));
      if (article.modified) {
        meta.appendChild(document.createTextNode(" · 수정 " + displayTime(article.modified)));
      }
      var story = element("article", { "class": "story" }, [
        element("a", { "class": "section", href: article.section_url }, [article.section]),
        element("h1", {}, [article.title])
      ]);
      if (article.subtitle) {
        story.appendChild(element("p", { "class": "sub" }, [article.subtitle]));
      }
      story.appendChild(meta);
      story.appendChild(storyBody(article));
      if (article.email) {
        story.appendChild(element("p", { "class": "byline" }, [article.reporter + " 기자 " + article.email]));
      }
      document.title = article.title + " - " + SITE_NAME;
      app.appendChild(element("div", { "class": "layout" }, [story, popularSidebar()]));
    });
  }

  function renderList(app, url, heading) {
    return getJson(url).then(function (data) {
      app.appendChild(element("div", { "class": "layout" }, [
        element("section", { "class": "list" }, [element("h1", {}, [data.name || heading]), cardList(data.articles)]),
        popularSidebar()
      ]));
    });
  }

  function renderSearch(app) {
    app.appendChild(element("section", { "class": "search" }, [
      element("h1", {}, ["검색"]),
      element("form", { method: "get", action: "/search" }, [
        element("input", { type: "search", name: "q", placeholder: "검색어" }, []),
        element("button", { type: "submit" }, ["검색"])
      ])
    ]));
    return Promise.resolve();
  }

  function renderNotFound(app) {
    app.appendChild(element("p", { "class": "error" }, ["페이지를 찾을 수 없습니다."]));
    return Promise.resolve();
  }

  function route(app, path) {
    var match = path.match(/^\/news\/(\d+)\/?$/);
    if (match) {
      return renderArticle(app, match[1]);
    }
    match = path.match(/^\/section\/([a-z0-9-]+)\/?$/);
    if (match) {
      return renderList(app, "/api/sections/" + match[1] + ".json", "");
    }
    if (path === "/search" || path === "/search/") {
      return renderSearch(app);
    }
    if (path === "/" || path === "/index.html") {
      return renderList(app, "/api/latest.json", "최신 뉴스");
    }
    return renderNotFound(app);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var app = document.getElementById("app");
    route(app, window.location.pathname).catch(function (error) {
      app.appendChild(element("p", { "class": "error" }, ["기사를 불러오지 못했습니다. (" + error.message + ")"]));
    });
  });
}());
