// The console's progressive enhancements; every page works without them.
(function () {
    'use strict';

    // Forms marked data-confirm ask before they are sent.
    document.addEventListener('submit', function (event) {
        var form = event.target;
        var question = form && form.getAttribute && form.getAttribute('data-confirm');
        if (question && !window.confirm(question)) {
            event.preventDefault();
        }
    });

    // A running import: poll its progress and reload the page once it has moved on.
    var running = document.querySelector('[data-progress-url]');
    if (!running) {
        return;
    }

    var url = running.getAttribute('data-progress-url');
    var bar = running.querySelector('progress');
    var text = running.querySelector('[aria-live]');
    var template = text ? text.getAttribute('data-template') : null;

    function poll() {
        fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (progress) {
                if (!progress) {
                    return;
                }

                if (progress.state !== 'checking' && progress.state !== 'applying') {
                    window.location.reload();
                    return;
                }

                if (bar) {
                    bar.value = progress.processed;
                    bar.max = progress.total;
                }

                if (text && template) {
                    text.textContent = template.replace('{0}', String(progress.processed)).replace('{1}', String(progress.total));
                }

                window.setTimeout(poll, 500);
            })
            .catch(function () { window.setTimeout(poll, 2000); });
    }

    window.setTimeout(poll, 300);
}());
