// Loaded before Bootstrap Italia's bundle: its bundled video player would otherwise inject
// inline <style> elements, which the strict CSP blocks (and this app shows no videos).
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
