// A video's facade (videos/templates/videos/video_detail.html): the poster and a play
// link. Without JavaScript the link opens the page with the player; with it, the player
// takes the poster's place here. Nothing loads from YouTube before this click.
document.addEventListener("click", function (event) {
  var link = event.target.closest(".video-play");
  var facade = link && link.closest(".video-facade");
  if (!facade || !/^[A-Za-z0-9_-]{11}$/.test(facade.dataset.videoId)) return;
  event.preventDefault();
  var frame = document.createElement("iframe");
  frame.src = "https://www.youtube-nocookie.com/embed/" + facade.dataset.videoId + "?autoplay=1";
  frame.title = facade.dataset.videoTitle;
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.allowFullscreen = true;
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  var holder = document.createElement("div");
  holder.className = "video-frame";
  holder.appendChild(frame);
  facade.replaceWith(holder);
  frame.focus(); // keyboard users continue from the player, not from the top of the page
});
