"""The web page of ``vidscore serve``: a static shell (no data in it) that talks to the JSON API.

It asks for the token once and keeps it for the tab (sessionStorage), uploads with
a progress bar, polls the job, then shows the same report page as ``vidscore report``
in a sandboxed frame; past results come from ``GET /api/v1/results``.
"""

from __future__ import annotations

from functools import cache

from scorer import __version__

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>vidscore</title>
<style>
:root{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;color:#111827;background:#fafafa}
body{margin:0 auto;max-width:1150px;padding:16px 20px 40px}h1{font-size:1.4rem;margin:.2rem 0 1rem}
form,#token-box,#past{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:14px;margin-bottom:14px}
#drop{border:2px dashed #9ca3af;border-radius:8px;padding:22px;text-align:center;color:#4b5563;cursor:pointer}
#drop.over{background:#eff6ff;border-color:#3b82f6}.row{display:flex;gap:10px;flex-wrap:wrap;margin-top:10px}
.row label{display:flex;flex-direction:column;font-size:.85rem;gap:3px}input[type=text],select{padding:5px 7px;min-width:170px}
button{padding:7px 16px;border-radius:6px;border:1px solid #2563eb;background:#2563eb;color:#fff;cursor:pointer}
button:disabled{opacity:.5;cursor:default}progress{width:100%;height:14px;margin-top:10px}
#status{margin-top:8px;font-size:.9rem}#status.error{color:#b91c1c}#scores{display:flex;gap:16px;margin:8px 0;font-size:1.1rem}
#scores b{font-size:1.6rem}iframe{width:100%;height:1400px;border:1px solid #e5e7eb;border-radius:10px;background:#fff}
table{border-collapse:collapse;width:100%;font-size:.85rem}td,th{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left}
tr.clickable{cursor:pointer}tr.clickable:hover{background:#f3f4f6}.muted{color:#6b7280;font-size:.8rem}
</style></head><body>
<h1>vidscore <span class="muted">__VERSION__</span></h1>
<div id="token-box" hidden><label>API token <input id="token" type="password" autocomplete="off"></label>
 <button id="token-save" type="button">Use token</button> <span class="muted">kept for this tab only</span></div>
<form id="form"><div id="drop" tabindex="0">Drop a video here or click to choose one<br><span class="muted" id="picked"></span></div>
<input id="file" name="file" type="file" accept="video/*,.mp4,.mov,.mkv,.webm,.avi,.gif" hidden>
<div class="row"><label>niche<input id="niche" type="text" list="niches" placeholder="e.g. beauty"></label>
<datalist id="niches"><option>beauty<option>fashion<option>food<option>tech<option>home<option>fitness<option>baby
<option>pets<option>education<option>travel<option>auto<option>health</datalist>
<label>product<input id="product" type="text" placeholder="what is sold"></label>
<label>title<input id="title" type="text" placeholder="caption / hashtags"></label>
<label>language<select id="lang"><option value="en">English</option><option value="zh">中文</option></select></label></div>
<div class="row"><button id="go" type="submit" disabled>Score</button></div>
<progress id="bar" max="100" value="0" hidden></progress><div id="status" role="status"></div></form>
<div id="scores" hidden></div>
<iframe id="report" title="report" sandbox="allow-scripts" hidden></iframe>
<div id="past"><b>Past results</b> <button id="refresh" type="button">refresh</button>
<table><thead><tr><th>file</th><th>quality</th><th>immersion</th><th>persuasion</th><th>niche</th><th>compliance</th><th>finished</th></tr></thead>
<tbody id="past-rows"></tbody></table></div>
<script>
(function(){
  var $=function(id){return document.getElementById(id);}, picked=null;
  function token(){return sessionStorage.getItem('vidscore-token')||'';}
  function headers(){var t=token(); return t?{'Authorization':'Bearer '+t}:{};}
  function status(text,error){var s=$('status'); s.textContent=text; s.className=error?'error':'';}
  function needToken(){$('token-box').hidden=false; $('token').focus();}
  $('token-save').onclick=function(){sessionStorage.setItem('vidscore-token',$('token').value.trim());
    $('token-box').hidden=true; loadPast();};
  function api(path,opts){opts=opts||{}; opts.headers=Object.assign(headers(),opts.headers||{});
    return fetch(path,opts).then(function(r){
      if(r.status===401){needToken(); throw new Error('the server needs a valid token');}
      if(!r.ok){return r.json().catch(function(){return {};}).then(function(b){throw new Error(b.error||('HTTP '+r.status));});}
      return r;});}
  function pick(f){picked=f; $('picked').textContent=f?f.name+' ('+(f.size/1e6).toFixed(1)+' MB)':''; $('go').disabled=!f;}
  var drop=$('drop');
  drop.onclick=function(){$('file').click();};
  drop.onkeydown=function(e){if(e.key==='Enter'||e.key===' '){$('file').click();}};
  $('file').onchange=function(){pick($('file').files[0]);};
  drop.ondragover=function(e){e.preventDefault(); drop.classList.add('over');};
  drop.ondragleave=function(){drop.classList.remove('over');};
  drop.ondrop=function(e){e.preventDefault(); drop.classList.remove('over'); if(e.dataTransfer.files.length) pick(e.dataTransfer.files[0]);};
  function showResult(sha){
    return api('/api/v1/results/'+sha).then(function(r){return r.json();}).then(function(res){
      var s=res.scores, box=$('scores'); box.hidden=false; box.innerHTML='';
      ['quality','immersion','persuasion'].forEach(function(d){var span=document.createElement('span');
        span.className='score'; span.setAttribute('data-dimension',d); span.innerHTML=d+' <b></b>';
        span.querySelector('b').textContent=String(s[d]); box.appendChild(span);});
      return api('/api/v1/results/'+sha+'/report');
    }).then(function(r){return r.text();}).then(function(html){var f=$('report'); f.hidden=false; f.srcdoc=html;});
  }
  function poll(id){
    api('/api/v1/jobs/'+id).then(function(r){return r.json();}).then(function(job){
      if(job.status==='done'){status('scored '+job.file+' in '+job.elapsed_s+' s'); $('bar').hidden=true; $('go').disabled=false;
        showResult(job.sha256).then(loadPast).catch(function(e){status(e.message,true);}); return;}
      if(job.status==='failed'){status(job.file+': '+job.error.message,true); $('bar').hidden=true; $('go').disabled=false; return;}
      $('bar').removeAttribute('value');
      status(job.status==='queued'?'waiting in the queue (position '+(job.position||'?')+')':'scoring '+job.file+'... '+(job.elapsed_s||0)+' s');
      setTimeout(function(){poll(id);},1000);
    }).catch(function(e){status(e.message,true); $('go').disabled=false;});
  }
  $('form').onsubmit=function(e){e.preventDefault(); if(!picked) return;
    if(!token()&&!window.VIDSCORE_NO_AUTH){needToken();}
    var data=new FormData(); data.append('file',picked);
    ['niche','product','title','lang'].forEach(function(k){var v=$(k).value.trim(); if(v) data.append(k,v);});
    var xhr=new XMLHttpRequest(); xhr.open('POST','/api/v1/jobs');
    var h=headers(); Object.keys(h).forEach(function(k){xhr.setRequestHeader(k,h[k]);});
    $('go').disabled=true; $('bar').hidden=false; $('bar').value=0; $('scores').hidden=true; $('report').hidden=true;
    xhr.upload.onprogress=function(ev){if(ev.lengthComputable){$('bar').value=100*ev.loaded/ev.total; status('uploading... '+Math.round(100*ev.loaded/ev.total)+'%');}};
    xhr.onload=function(){var body={}; try{body=JSON.parse(xhr.responseText);}catch(err){}
      if(xhr.status===401){needToken(); status('the server needs a valid token',true); $('go').disabled=false; return;}
      if(xhr.status!==202){status(body.error||('HTTP '+xhr.status),true); $('bar').hidden=true; $('go').disabled=false; return;}
      poll(body.id);};
    xhr.onerror=function(){status('upload failed: the server closed the connection',true); $('go').disabled=false;};
    xhr.send(data);
  };
  function loadPast(){
    api('/api/v1/results?limit=50').then(function(r){return r.json();}).then(function(body){
      var rows=$('past-rows'); rows.innerHTML='';
      body.results.forEach(function(r){var tr=document.createElement('tr');
        [r.file,r.quality,r.immersion,r.persuasion,r.niche||'-',r.compliance_risk===null?'-':(r.compliance_risk?'RISK':'ok'),r.finished_at]
          .forEach(function(v){var td=document.createElement('td'); td.textContent=v===null||v===undefined?'-':String(v); tr.appendChild(td);});
        if(r.status==='scored'){tr.className='clickable'; tr.onclick=function(){showResult(r.sha256).catch(function(e){status(e.message,true);});};}
        rows.appendChild(tr);});
    }).catch(function(e){status(e.message,true);});
  }
  $('refresh').onclick=loadPast;
  if(token()) loadPast(); else needToken();
})();
</script></body></html>
"""


@cache
def page_html() -> str:
    """The page (the same for every visitor: it holds no data)."""
    return _PAGE.replace("__VERSION__", __version__)
