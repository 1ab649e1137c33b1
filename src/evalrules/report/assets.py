"""The report page's style sheet and script: constant text, no data in it.

The script reads the records from the page's ``<script type="application/json">`` block and shows
them a page at a time; it builds every cell with ``textContent``, so no record's text is ever
read as markup or code. Percentages are computed from the vote counts in integers, rounded half
away from zero as :func:`report.page.percent` does.

Imports nothing of evalrules.
"""

from __future__ import annotations

#: Bar colours, best grade first (green → red), for scales of up to six labels.
COLOURS = ("#2e7d32", "#689f38", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a")
#: A scale's unrated label (不定等次): off the order, so off the green → red range.
UNRATED_COLOUR = "#9e9e9e"

#: The page's style; ``{margins}`` is the printed page's margin boxes (date and page numbers).
CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC",
 sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{font-size:1.5em;margin-bottom:4px}h2{font-size:1.2em;margin-top:28px}
.meta{color:#555;margin:2px 0}.charts{display:flex;flex-wrap:wrap;gap:24px}
.chart{border:1px solid #ddd;border-radius:6px;padding:8px 12px}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ccc;padding:3px 8px;
 text-align:left;vertical-align:top}th{background:#f3f3f3}
#records th{position:sticky;top:0}
td.n{text-align:right}tr.bad td{background:#fff0f0}tr.near td{background:#fffbe6}
td.v{white-space:pre;font-size:.9em}
#q{font-size:1.1em;padding:6px 10px;width:28em;max-width:100%}
#shown{margin:0 12px;color:#555}pre{white-space:pre-wrap;margin:4px 0;font-size:.9em}
details summary{cursor:pointer;color:#1565c0}nav a{margin-right:12px}
.printonly{display:none}
@page{size:A4;margin:14mm 10mm 16mm 10mm;{margins}}
@media print{
 body{margin:0;max-width:none;padding:0;font-size:9pt}
 nav,#controls,details,noscript,.noprint{display:none!important}
 .printonly{display:block}
 thead{display:table-header-group}tr{break-inside:avoid}
 #records th{position:static}h2{break-after:avoid}
}
"""

SCRIPT = """
(function(){
  var D=JSON.parse(document.getElementById('report-data').textContent);
  var W=D.words,rows=D.rows,total=rows.length;
  var body=document.querySelector('#records tbody'),box=document.getElementById('q');
  var shown=document.getElementById('shown'),printed=document.getElementById('printed');
  var hay=null,matches=[],first=0;
  function pct(v,t){
    var r=Math.floor((2*v*10000+t)/(2*t)),c=r%100;
    return Math.floor(r/100)+'.'+(c<10?'0':'')+c+'%';
  }
  function fill(t,o){return t.replace(/\\{(\\w+)\\}/g,function(_,k){return String(o[k]);});}
  function votes(counts,cats){
    if(!counts){return '';}
    var t=0,i,out=[];
    for(i=0;i<counts.length;i++){t+=counts[i];}
    for(i=0;i<counts.length;i++){
      out.push(cats[i]+' '+(t?fill(W.votes,{votes:counts[i],total:t,percent:pct(counts[i],t)}):
        W.no_votes));
    }
    return out.join('\\n');
  }
  function names(idx,all){return idx.map(function(k){return all[k];}).join(W.sep);}
  function cells(r){
    var out=[String(r[0])].concat(r[1]),i;
    for(i=0;i<D.grades.length;i++){out.push(r[2][i]<0?'':D.grades[i][1][r[2][i]]);}
    out.push(names(r[4],D.vetoes),names(r[5],D.outcomes));
    return out;
  }
  function haystack(){
    hay=rows.map(function(r){
      return (cells(r).join(' ')+' '+(r[6]?W.tags[r[6]]+' '+r[7]:'')).toLowerCase();
    });
  }
  function row(r){
    var tr=document.createElement('tr'),c=cells(r),i,td;
    tr.setAttribute('data-row',String(r[0]));
    if(r[6]){tr.className=r[6]===2?'bad':'near';}
    for(i=0;i<c.length;i++){
      td=document.createElement('td');td.textContent=c[i];
      if(i===0){td.className='n';}
      tr.appendChild(td);
      if(i===r[1].length+D.grades.length){
        for(var b=0;b<D.ballots.length;b++){
          td=document.createElement('td');td.className='v';
          td.textContent=votes(r[3][b],D.ballots[b][1]);tr.appendChild(td);
        }
      }
    }
    td=document.createElement('td');
    td.textContent=r[6]?fill(W.status[r[6]],{text:r[7]}):'';
    tr.appendChild(td);
    return tr;
  }
  function render(limit){
    var frag=document.createDocumentFragment(),last=Math.min(first+limit,matches.length),i;
    for(i=first;i<last;i++){frag.appendChild(row(rows[matches[i]]));}
    body.textContent='';body.appendChild(frag);
    shown.textContent=matches.length?fill(W.shown,{first:first+1,last:last,
      matches:matches.length,total:total}):fill(W.none,{total:total});
    document.body.setAttribute('data-matches',String(matches.length));
    return last-first;
  }
  function filter(){
    if(hay===null){haystack();}
    var words=box.value.toLowerCase().split(/\\s+/).filter(function(w){return w;}),i,j,ok;
    matches=[];
    for(i=0;i<total;i++){
      ok=true;
      for(j=0;j<words.length;j++){if(hay[i].indexOf(words[j])<0){ok=false;break;}}
      if(ok){matches.push(i);}
    }
    first=0;render(D.page);
  }
  function fromHash(){
    var m=/^#q=(.*)$/.exec(location.hash);
    box.value=m?decodeURIComponent(m[1].replace(/\\+/g,' ')):'';
    filter();
  }
  box.addEventListener('input',function(){
    history.replaceState(null,'',box.value?'#q='+encodeURIComponent(box.value):
      location.pathname+location.search);
    filter();
  });
  document.getElementById('prev').addEventListener('click',function(){
    first=Math.max(0,first-D.page);render(D.page);});
  document.getElementById('next').addEventListener('click',function(){
    if(first+D.page<matches.length){first+=D.page;}render(D.page);});
  window.addEventListener('hashchange',fromHash);
  window.addEventListener('beforeprint',function(){
    var saved=first;first=0;var n=render(D.print);first=saved;
    printed.textContent=n<matches.length?fill(W.printed,{printed:n,matches:matches.length}):'';
  });
  window.addEventListener('afterprint',function(){render(D.page);});
  document.getElementById('controls').hidden=false;
  fromHash();
})();
"""
